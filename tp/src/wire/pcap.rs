//! The capture as a pcap file, which Wireshark and `tcpdump -r` open: a global header, then
//! each packet with its time and length. The packets are IP packets without a link header
//! (LINKTYPE_RAW, 101), as a packet socket of type SOCK_DGRAM gives them.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// pcap's magic number (microsecond times), in the file's own byte order.
const MAGIC: u32 = 0xa1b2_c3d4;
/// The link type of IP packets without a link header.
const LINKTYPE_RAW: u32 = 101;
/// The longest packet kept whole.
const SNAPLEN: u32 = 65_535;

/// The pcap file of `packets` (each with when it was seen after `start`).
pub fn file(start: SystemTime, packets: &[(Duration, Vec<u8>)]) -> Vec<u8> {
    let mut bytes = Vec::new();
    bytes.extend_from_slice(&MAGIC.to_le_bytes());
    bytes.extend_from_slice(&2u16.to_le_bytes());
    bytes.extend_from_slice(&4u16.to_le_bytes());
    bytes.extend_from_slice(&0i32.to_le_bytes());
    bytes.extend_from_slice(&0u32.to_le_bytes());
    bytes.extend_from_slice(&SNAPLEN.to_le_bytes());
    bytes.extend_from_slice(&LINKTYPE_RAW.to_le_bytes());
    let epoch = start.duration_since(UNIX_EPOCH).unwrap_or_default();
    for (at, packet) in packets {
        let when = epoch + *at;
        let kept = &packet[..packet.len().min(SNAPLEN as usize)];
        let seconds = u32::try_from(when.as_secs()).unwrap_or(u32::MAX);
        bytes.extend_from_slice(&seconds.to_le_bytes());
        bytes.extend_from_slice(&when.subsec_micros().to_le_bytes());
        bytes.extend_from_slice(&(kept.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&(u32::try_from(packet.len()).unwrap_or(u32::MAX)).to_le_bytes());
        bytes.extend_from_slice(kept);
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pcap_file_is_its_header_then_each_packet_with_its_time() {
        let start = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let packets = [
            (Duration::from_micros(1), vec![0x45; 20]),
            (Duration::from_millis(2), vec![0x60; 40]),
        ];
        let bytes = file(start, &packets);
        assert_eq!(bytes.len(), 24 + (16 + 20) + (16 + 40));
        assert_eq!(&bytes[..4], &[0xd4, 0xc3, 0xb2, 0xa1]);
        assert_eq!(u32::from_le_bytes(bytes[20..24].try_into().unwrap()), 101);
        let first = &bytes[24..40];
        assert_eq!(
            u32::from_le_bytes(first[..4].try_into().unwrap()),
            1_700_000_000
        );
        assert_eq!(u32::from_le_bytes(first[4..8].try_into().unwrap()), 1);
        assert_eq!(u32::from_le_bytes(first[8..12].try_into().unwrap()), 20);
        let second = &bytes[60..76];
        assert_eq!(u32::from_le_bytes(second[4..8].try_into().unwrap()), 2000);
    }
}
