//! What crossed the wire in a test: recorded where the test binary has a network of its own (a
//! test that ran again in its own namespace, or `tp grade`'s and `tp check`'s sandbox), and
//! told after a failure: drawn (`cargo test`, `cargo grade`), or as the lines `tp` reads and
//! draws in its own ways (tp::wire::Conversation, between `DIAGRAM_START` and `DIAGRAM_END`)
//! when tp runs the tests; or, when tp runs the reference in a failing test's place, written
//! to a file at the end of every test. The machine's own network is never recorded.
//!
//! A test's conversation is the packets to or from the ports it used (the handout's fixed
//! ports, the free ports it took, the ports its servers announced), from its first port on.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use tp::netns::Network;
use tp::told::{
    CONVERSATIONS_FOLDER, ConversationMode, DIAGRAM_END, DIAGRAM_START, conversation_file,
};
use tp::wire::{self, Capture, Conversation};
use tp_sockets::kit::lock;

/// What a test used: since when, which ports, which of them are whose servers, and the client
/// programs it ran.
struct Seen {
    since: Duration,
    ports: BTreeSet<u16>,
    servers: Vec<(u16, String)>,
    clients: Vec<String>,
}

/// Each running test's, by its name (libtest names each test's thread after it).
static SEEN: Mutex<Option<HashMap<String, Seen>>> = Mutex::new(None);

/// This test binary's capture, where its network is its own and packets may be recorded.
fn capture() -> Option<&'static Capture> {
    static CAPTURE: OnceLock<Option<Capture>> = OnceLock::new();
    CAPTURE
        .get_or_init(|| {
            if Network::current() == Network::Host {
                return None;
            }
            // Inside a sandbox that made a network of its own, the loopback starts down.
            let _ = tp::netns::loopback_up();
            Capture::start().ok()
        })
        .as_ref()
}

/// Notes, for the current test, what `note` adds.
fn note(add: impl FnOnce(&mut Seen)) {
    let Some(test) = std::thread::current().name().map(str::to_string) else {
        return;
    };
    let Some(capture) = capture() else {
        return;
    };
    if ConversationMode::from_env() == Some(ConversationMode::Files) {
        WRITTEN_AT_END.with(|at_end| {
            at_end
                .borrow_mut()
                .get_or_insert_with(|| WrittenAtEnd(test.clone()));
        });
    }
    let mut seen = lock(&SEEN);
    let entry = seen
        .get_or_insert_with(HashMap::new)
        .entry(test)
        .or_insert_with(|| Seen {
            since: capture.started.elapsed(),
            ports: BTreeSet::new(),
            servers: Vec::new(),
            clients: Vec::new(),
        });
    add(entry);
}

/// The current test uses `port`.
pub fn uses_port(port: u16) {
    note(|seen| {
        seen.ports.insert(port);
    });
}

/// A server of the current test, `name`, listens on `port`.
pub fn server_on(port: u16, name: &str) {
    note(|seen| {
        seen.ports.insert(port);
        seen.servers.push((port, name.to_string()));
    });
}

/// The current test ran the client program `name`.
pub fn client_ran(name: &str) {
    note(|seen| {
        if !seen.clients.iter().any(|c| c == name) {
            seen.clients.push(name.to_string());
        }
    });
}

/// The conversation the current test saw, as the lines `tp` reads, if it was recorded.
pub fn told() -> Option<String> {
    let test = std::thread::current().name()?.to_string();
    let conversation = conversation_of(&test)?;
    let lines = if ConversationMode::from_env() == Some(ConversationMode::Lines) {
        let mut lines = vec![DIAGRAM_START.to_string()];
        lines.extend(conversation.lines());
        lines.push(DIAGRAM_END.to_string());
        lines
    } else {
        let mut lines = vec!["what crossed the wire:".to_string()];
        lines.extend(conversation.terminal());
        lines
    };
    Some(lines.join("\n"))
}

/// The conversation that the test `test` saw, if it was recorded (once: it is then forgotten).
fn conversation_of(test: &str) -> Option<Conversation> {
    let capture = capture()?;
    let seen = lock(&SEEN).as_mut()?.remove(test)?;
    // The last packets of what failed may still be on their way.
    std::thread::sleep(Duration::from_millis(50));
    let packets = wire::about(&capture.heard(), seen.since, &seen.ports);
    if packets.is_empty() {
        return None;
    }
    let client = match seen.clients.as_slice() {
        [only] => only.clone(),
        _ => "client".to_string(),
    };
    // The side that sent the first packet between two ends is the client; the other side is
    // a server of the test, or a port where nobody was.
    let mut active = Vec::new();
    let mut flows = BTreeSet::new();
    for (_, packet) in &packets {
        let flow = (packet.from.min(packet.to), packet.from.max(packet.to));
        if flows.insert(flow) {
            active.push(packet.from);
        }
    }
    Some(Conversation::of(&packets, &|address| match seen
        .servers
        .iter()
        .find(|(port, _)| *port == address.port())
    {
        Some((_, name)) => name.clone(),
        None if active.contains(&address) => client.clone(),
        None => format!("port {}", address.port()),
    }))
}

/// In [`ConversationMode::Files`], the test of this thread, whose conversation is written to its file when
/// the thread ends, whether the test passed or not (tp runs the reference so, to show what
/// a failing test expected).
struct WrittenAtEnd(String);

thread_local! {
    static WRITTEN_AT_END: RefCell<Option<WrittenAtEnd>> = const { RefCell::new(None) };
}

impl Drop for WrittenAtEnd {
    fn drop(&mut self) {
        let Some(conversation) = conversation_of(&self.0) else {
            return;
        };
        let folder = Path::new(CONVERSATIONS_FOLDER);
        let _ = std::fs::create_dir_all(folder);
        let _ = std::fs::write(
            folder.join(conversation_file(&self.0)),
            conversation.lines().join("\n"),
        );
    }
}
