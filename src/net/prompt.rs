//! Questions asked at a prompt (Exercise 2, step 4): ask, check, explain, ask again.

use std::fmt;
use std::io::{self, BufRead, IsTerminal, Write};

/// Asks `question` until `parse` accepts the answer. A rejected answer gets `parse`'s
/// explanation on stderr and the question again. Closed input (Ctrl-D, or the end of a piped
/// file) is an error: nobody is left to answer.
pub fn ask<T, E: fmt::Display>(
    input: &mut impl BufRead,
    question: &str,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Result<T, InputError> {
    loop {
        print!("{question}");
        // The question has no newline: flush so it shows before we wait.
        let _ = io::stdout().flush();
        let mut line = String::new();
        match input.read_line(&mut line) {
            Ok(0) => {
                println!();
                let question = question.trim_end().trim_end_matches(':').to_string();
                return Err(InputError::Closed(question));
            }
            // Typed answers are echoed by the terminal; piped ones are not, so show them.
            Ok(_) if !io::stdin().is_terminal() => println!("{}", line.trim_end()),
            Ok(_) => {}
            Err(e) => return Err(InputError::Unreadable(e)),
        }
        match parse(line.trim()) {
            Ok(value) => return Ok(value),
            Err(why) => eprintln!("{why}"),
        }
    }
}

/// Nobody is left to answer.
#[derive(Debug)]
pub enum InputError {
    /// The input was closed before this question got an answer.
    Closed(String),
    /// The input cannot be read.
    Unreadable(io::Error),
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Closed(question) => {
                write!(
                    f,
                    "no answer to `{question}`: the input was closed (Ctrl-D)"
                )
            }
            InputError::Unreadable(e) => write!(f, "cannot read the answer: {e}"),
        }
    }
}

impl std::error::Error for InputError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            InputError::Unreadable(e) => Some(e),
            InputError::Closed(_) => None,
        }
    }
}

/// An answer that is not what the question asks for; its Display says what to type instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerError {
    /// Nothing, where a port is asked for.
    NoPort,
    /// Not a number.
    NotANumber(String),
    /// A number that is no port.
    NotAPort(String),
    /// Not a number of seconds in range.
    Seconds,
    /// Nothing, where a message is asked for.
    EmptyMessage,
}

impl fmt::Display for AnswerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnswerError::NoPort => f.write_str("please type a port number, from 1 to 65535"),
            AnswerError::NotANumber(text) => {
                write!(
                    f,
                    "`{text}` is not a number; type a port number from 1 to 65535"
                )
            }
            AnswerError::NotAPort(text) => {
                write!(f, "{text} is not a port: ports go from 1 to 65535")
            }
            AnswerError::Seconds => {
                f.write_str("a number of seconds, above 0 and at most 3600 (e.g. 2 or 0.5)")
            }
            AnswerError::EmptyMessage => {
                f.write_str("the message is empty; type some text to send")
            }
        }
    }
}

impl std::error::Error for AnswerError {}

/// A port typed by a person: a whole number from 1 to 65535.
pub fn parse_port(text: &str) -> Result<u16, AnswerError> {
    if text.is_empty() {
        return Err(AnswerError::NoPort);
    }
    if !text.chars().all(|c| c.is_ascii_digit()) {
        return Err(AnswerError::NotANumber(text.to_string()));
    }
    match text.parse::<u16>() {
        Ok(port) if port > 0 => Ok(port),
        _ => Err(AnswerError::NotAPort(text.to_string())),
    }
}

/// A number of seconds typed by a person: above 0, at most an hour (`2`, `0.5`).
pub fn parse_seconds(text: &str) -> Result<f64, AnswerError> {
    match text.parse::<f64>() {
        Ok(s) if s > 0.0 && s <= 3600.0 => Ok(s),
        _ => Err(AnswerError::Seconds),
    }
}

/// A message typed by a person: any text but nothing.
pub fn parse_message(text: &str) -> Result<String, AnswerError> {
    if text.is_empty() {
        Err(AnswerError::EmptyMessage)
    } else {
        Ok(text.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_are_whole_numbers_from_1_to_65535() {
        assert_eq!(parse_port("60000"), Ok(60000));
        assert_eq!(parse_port("1"), Ok(1));
        assert_eq!(parse_port("65535"), Ok(65535));
        for bad in [
            "",
            "abc",
            "0",
            "65536",
            "70000",
            "-5",
            "6e4",
            "99999999999999999999",
        ] {
            assert!(parse_port(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn ask_repeats_until_the_answer_is_good_and_fails_on_closed_input() {
        let mut input = io::Cursor::new("abc\n\n70000\n 62000 \n");
        assert_eq!(ask(&mut input, "port: ", parse_port).ok(), Some(62000));
        let mut closed = io::Cursor::new("abc\n");
        let err = ask(&mut closed, "port: ", parse_port)
            .unwrap_err()
            .to_string();
        assert!(err.contains("input was closed"), "{err}");
    }
}
