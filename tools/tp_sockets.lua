-- Wireshark and tshark: the image protocol over UDP of tp-sockets (PROTOCOL.md, "Pictures over
-- UDP"), field by field, on UDP port 40675 (any other port: Decode As... > TPIMAGE).
--
--   wireshark -X lua_script:tools/tp_sockets.lua -r capture.pcap
--   tshark -X lua_script:tools/tp_sockets.lua -r capture.pcap -V
--
-- or copy this file into Wireshark's personal plugins folder (Help > About Wireshark > Folders).
-- The Info column says what `tp trace` says of each datagram: `M transfer=7 chunk=1400
-- name=car.png`, `m transfer=7 size=9501 checksum=db7cb55e chunk=1400 token=...`,
-- `D transfer=7 token=... chunk=1400 name=car.png ranges=0-6`, `d transfer=7 chunk 3 (1400
-- bytes)`, `e transfer=7 "reason"`.

local proto = Proto("tpimage", "tp-sockets pictures over UDP")

local kinds = { [0] = "the file", [1] = "the not-found picture" }
local f = {
    magic = ProtoField.string("tpimage.magic", "Protocol"),
    version = ProtoField.uint8("tpimage.version", "Version"),
    type = ProtoField.string("tpimage.type", "Type"),
    transfer = ProtoField.uint32("tpimage.transfer", "Transfer"),
    token = ProtoField.uint64("tpimage.token", "Token", base.HEX),
    chunk = ProtoField.uint16("tpimage.chunk", "Chunk size"),
    name = ProtoField.string("tpimage.name", "Name"),
    first = ProtoField.uint32("tpimage.first", "First chunk"),
    count = ProtoField.uint16("tpimage.count", "Chunks"),
    kind = ProtoField.uint8("tpimage.kind", "Kind", base.DEC, kinds),
    size = ProtoField.uint64("tpimage.size", "Size"),
    checksum = ProtoField.uint32("tpimage.checksum", "Fletcher-32", base.HEX),
    index = ProtoField.uint32("tpimage.index", "Chunk number"),
    data = ProtoField.bytes("tpimage.data", "Chunk bytes"),
    reason = ProtoField.string("tpimage.reason", "Reason"),
}
proto.fields = { f.magic, f.version, f.type, f.transfer, f.token, f.chunk, f.name, f.first,
    f.count, f.kind, f.size, f.checksum, f.index, f.data, f.reason }

-- A name: its length (1 byte) at `at`, then its bytes. Returns the name and where it ends.
local function name_at(buf, tree, at)
    local length = buf(at, 1):uint()
    local name = buf(at + 1, length):string()
    tree:add(f.name, buf(at + 1, length))
    return name, at + 1 + length
end

function proto.dissector(buf, pinfo, tree)
    if buf:len() < 8 or buf(0, 2):string() ~= "TP" or buf(2, 1):uint() ~= 2 then
        return 0
    end
    pinfo.cols.protocol = "TPIMAGE"
    local t = tree:add(proto, buf(), "tp-sockets pictures over UDP")
    t:add(f.magic, buf(0, 2))
    t:add(f.version, buf(2, 1))
    local kind = buf(3, 1):string()
    t:add(f.type, buf(3, 1))
    t:add(f.transfer, buf(4, 4))
    local info = kind .. " transfer=" .. buf(4, 4):uint()
    if kind == "M" then
        t:add(f.chunk, buf(8, 2))
        local name = name_at(buf, t, 10)
        info = info .. " chunk=" .. buf(8, 2):uint() .. " name=" .. name
    elseif kind == "D" then
        t:add(f.token, buf(8, 8))
        t:add(f.chunk, buf(16, 2))
        local name, at = name_at(buf, t, 18)
        local ranges = {}
        while at + 6 <= buf:len() do
            local first, count = buf(at, 4):uint(), buf(at + 4, 2):uint()
            local range = t:add(proto, buf(at, 6), "Range")
            range:add(f.first, buf(at, 4))
            range:add(f.count, buf(at + 4, 2))
            if count == 1 then
                ranges[#ranges + 1] = tostring(first)
            else
                ranges[#ranges + 1] = first .. "-" .. (first + count - 1)
            end
            at = at + 6
        end
        info = info .. " token=" .. buf(8, 8):uint64():tohex() .. " chunk=" .. buf(16, 2):uint()
            .. " name=" .. name .. " ranges=" .. table.concat(ranges, ",")
    elseif kind == "m" then
        t:add(f.kind, buf(8, 1))
        t:add(f.size, buf(9, 8))
        t:add(f.checksum, buf(17, 4))
        t:add(f.chunk, buf(21, 2))
        t:add(f.token, buf(23, 8))
        local not_found = ""
        if buf(8, 1):uint() == 1 then
            not_found = "not-found "
        end
        info = info .. " " .. not_found .. "size=" .. buf(9, 8):uint64() .. " checksum="
            .. string.format("%08x", buf(17, 4):uint()) .. " chunk=" .. buf(21, 2):uint()
            .. " token=" .. buf(23, 8):uint64():tohex()
    elseif kind == "d" then
        t:add(f.index, buf(8, 4))
        local length = buf:len() - 12
        if length > 0 then
            t:add(f.data, buf(12, length))
        end
        info = info .. " chunk " .. buf(8, 4):uint() .. " (" .. length .. " bytes)"
    elseif kind == "e" then
        local reason = ""
        if buf:len() > 8 then
            reason = buf(8, buf:len() - 8):string()
            t:add(f.reason, buf(8, buf:len() - 8))
        end
        info = info .. ' "' .. reason .. '"'
    end
    pinfo.cols.info = info
    return buf:len()
end

DissectorTable.get("udp.port"):add(40675, proto)
