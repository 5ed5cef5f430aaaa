//! The sentences the writers put around the tests' own words, in English and in French.
//!
//! The tests explain each failure in English (the harness's sentences); what frames them (the
//! titles, the totals, "does not compile") is said in the language the platform asks for.

use crate::wire::compare::{Difference, Fact};

/// The language of the feedback's frame (`--lang`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// French.
    Fr,
}

impl std::str::FromStr for Lang {
    type Err = UnknownLang;
    /// `en` or `fr`, or a locale such as `fr_FR.UTF-8` (what Moodle VPL gives): its language.
    fn from_str(text: &str) -> Result<Lang, UnknownLang> {
        let language = text
            .split(['_', '-', '.'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match language.as_str() {
            "en" | "c" | "posix" => Ok(Lang::En),
            "fr" => Ok(Lang::Fr),
            _ => Err(UnknownLang(text.to_string())),
        }
    }
}

/// A `--lang` that is neither English nor French.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownLang(pub String);

impl std::fmt::Display for UnknownLang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "`{}`: the feedback is in en (English) or fr (French)",
            self.0
        )
    }
}

impl std::error::Error for UnknownLang {}

/// What the writers say, with `{name}`-style holes that [`fill`] fills.
pub struct Words {
    pub feedback_for: &'static str,
    pub not_graded: &'static str,
    pub tests_passed: &'static str,
    pub program: &'static str,
    pub tests_passed_column: &'static str,
    pub not_counted: &'static str,
    pub does_not_compile: &'static str,
    pub on_the_wire: &'static str,
    pub at_size_limit: &'static str,
    pub more_failures: &'static str,
    pub summary: &'static str,
    pub program_score: &'static str,
    pub failed_tests: &'static str,
    pub compiler_says: &'static str,
    pub expected_on_the_wire: &'static str,
    pub difference: &'static str,
    pub closes_first: &'static str,
    pub no_fin: &'static str,
    pub resets: &'static str,
    pub no_reset: &'static str,
    pub unreachable: &'static str,
    pub no_unreachable: &'static str,
    pub sends: &'static str,
    pub page_title: &'static str,
    pub page_graded: &'static str,
    pub pass_rates: &'static str,
    pub totals: &'static str,
    pub most_failed: &'static str,
    pub failed_by: &'static str,
    pub students: &'static str,
    pub student: &'static str,
    pub total: &'static str,
    pub feedback: &'static str,
}

const EN: Words = Words {
    feedback_for: "Feedback for {name}",
    not_graded: "This submission could not be graded: {why}",
    tests_passed: "{passed} of {total} tests passed.",
    program: "program",
    tests_passed_column: "tests passed",
    not_counted: "Not counted: these tests could not run on the grading machine.",
    does_not_compile: "the file does not compile; the compiler says:",
    on_the_wire: "What crossed the wire:",
    at_size_limit: "(details left out: this feedback is at its size limit)",
    more_failures: "... ({count} more failing tests not shown: this feedback is at its size limit)",
    summary: "Summary",
    program_score: "{program}: {passed}/{total} tests passed",
    failed_tests: "Failed tests",
    compiler_says: "{program}: the file does not compile",
    expected_on_the_wire: "What the reference did in the same test:",
    difference: "expected: {expected}; in this test: {actual}.",
    closes_first: "{name} closes first (the first FIN)",
    no_fin: "nobody closes (no FIN)",
    resets: "{names} resets the connection (RST)",
    no_reset: "no RST",
    unreachable: "an ICMP \"port unreachable\" comes back",
    no_unreachable: "no ICMP \"port unreachable\"",
    sends: "{name} sends {bytes} bytes of data",
    page_title: "The class at a glance",
    page_graded: "{count} submissions, graded {when} by tp-sockets {version}. {how}",
    pass_rates: "Each program: the students whose program passes all its tests",
    totals: "The totals: how many students scored each share of the points",
    most_failed: "The tests failed most",
    failed_by: "failed by {count} of {total}",
    students: "Each student",
    student: "student",
    total: "total",
    feedback: "Each student's feedback",
};

const FR: Words = Words {
    feedback_for: "Retour pour {name}",
    not_graded: "Ce rendu n'a pas pu être noté : {why}",
    tests_passed: "{passed} tests réussis sur {total}.",
    program: "programme",
    tests_passed_column: "tests réussis",
    not_counted: "Non comptés : ces tests n'ont pas pu tourner sur la machine de correction.",
    does_not_compile: "le fichier ne compile pas ; le compilateur dit :",
    on_the_wire: "Ce qui est passé sur le réseau :",
    at_size_limit: "(détails omis : ce retour a atteint sa taille maximale)",
    more_failures: "... ({count} autres tests échoués non montrés : ce retour a atteint sa taille maximale)",
    summary: "Résumé",
    program_score: "{program} : {passed}/{total} tests réussis",
    failed_tests: "Tests échoués",
    compiler_says: "{program} : le fichier ne compile pas",
    expected_on_the_wire: "Ce qu'a fait le programme de référence dans le même test :",
    difference: "attendu : {expected} ; dans ce test : {actual}.",
    closes_first: "{name} ferme en premier (le premier FIN)",
    no_fin: "personne ne ferme (aucun FIN)",
    resets: "{names} réinitialise la connexion (RST)",
    no_reset: "aucun RST",
    unreachable: "un ICMP « port unreachable » revient",
    no_unreachable: "aucun ICMP « port unreachable »",
    sends: "{name} envoie {bytes} octets de données",
    page_title: "La classe d'un coup d'œil",
    page_graded: "{count} rendus, notés le {when} par tp-sockets {version}. {how}",
    pass_rates: "Chaque programme : les étudiants dont le programme réussit tous ses tests",
    totals: "Les totaux : combien d'étudiants ont obtenu chaque part des points",
    most_failed: "Les tests les plus souvent échoués",
    failed_by: "échoué par {count} sur {total}",
    students: "Chaque étudiant",
    student: "étudiant",
    total: "total",
    feedback: "Le retour de chaque étudiant",
};

impl Lang {
    /// The writers' sentences in this language.
    pub fn words(self) -> &'static Words {
        match self {
            Lang::En => &EN,
            Lang::Fr => &FR,
        }
    }
}

/// A fact of a conversation in words.
fn fact(words: &Words, fact: &Fact) -> String {
    match fact {
        Fact::ClosesFirst(Some(name)) => fill(words.closes_first, &[("name", name)]),
        Fact::ClosesFirst(None) => words.no_fin.to_string(),
        Fact::Resets(names) if names.is_empty() => words.no_reset.to_string(),
        Fact::Resets(names) => fill(words.resets, &[("names", &names.join(", "))]),
        Fact::Unreachable(true) => words.unreachable.to_string(),
        Fact::Unreachable(false) => words.no_unreachable.to_string(),
        Fact::Sends(name, bytes) => fill(words.sends, &[("name", name), ("bytes", bytes)]),
    }
}

impl Difference {
    /// The difference in one sentence: `expected: ex1_tcp_server closes first (the first
    /// FIN); in this test: ex1_tcp_client closes first (the first FIN).`
    pub fn said(&self, lang: Lang) -> String {
        let words = lang.words();
        fill(
            words.difference,
            &[
                ("expected", &fact(words, &self.expected)),
                ("actual", &fact(words, &self.actual)),
            ],
        )
    }
}

/// `template` with each `{key}` replaced by its value.
pub fn fill(template: &str, values: &[(&str, &dyn std::fmt::Display)]) -> String {
    values
        .iter()
        .fold(template.to_string(), |text, (key, value)| {
            text.replace(&format!("{{{key}}}"), &value.to_string())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_locale_names_its_language() {
        assert_eq!("fr_FR.UTF-8".parse(), Ok(Lang::Fr));
        assert_eq!("fr".parse(), Ok(Lang::Fr));
        assert_eq!("en_US.UTF-8".parse(), Ok(Lang::En));
        assert!("de_DE.UTF-8".parse::<Lang>().is_err());
    }

    #[test]
    fn both_languages_have_the_same_holes() {
        let holes = |text: &str| {
            let mut found: Vec<String> = text
                .split('{')
                .skip(1)
                .filter_map(|part| part.split_once('}').map(|(key, _)| key.to_string()))
                .collect();
            found.sort();
            found
        };
        let pairs = |w: &'static Words| {
            [
                w.feedback_for,
                w.not_graded,
                w.tests_passed,
                w.program,
                w.tests_passed_column,
                w.not_counted,
                w.does_not_compile,
                w.on_the_wire,
                w.at_size_limit,
                w.more_failures,
                w.summary,
                w.program_score,
                w.failed_tests,
                w.compiler_says,
                w.expected_on_the_wire,
                w.difference,
                w.closes_first,
                w.no_fin,
                w.resets,
                w.no_reset,
                w.unreachable,
                w.no_unreachable,
                w.sends,
                w.page_title,
                w.page_graded,
                w.pass_rates,
                w.totals,
                w.most_failed,
                w.failed_by,
                w.students,
                w.student,
                w.total,
                w.feedback,
            ]
        };
        for (en, fr) in pairs(Lang::En.words()).iter().zip(pairs(Lang::Fr.words())) {
            assert_eq!(holes(en), holes(fr), "{en} / {fr}");
        }
        assert_eq!(
            fill(
                Lang::Fr.words().tests_passed,
                &[("passed", &3), ("total", &5)]
            ),
            "3 tests réussis sur 5."
        );
    }

    #[test]
    fn a_difference_is_one_sentence_in_either_language() {
        let difference = Difference {
            expected: Fact::ClosesFirst(Some("ex1_tcp_server".into())),
            actual: Fact::ClosesFirst(Some("ex1_tcp_client".into())),
        };
        assert_eq!(
            difference.said(Lang::En),
            "expected: ex1_tcp_server closes first (the first FIN); in this test: \
             ex1_tcp_client closes first (the first FIN)."
        );
        let difference = Difference {
            expected: Fact::Resets(vec![]),
            actual: Fact::Resets(vec!["ex1_tcp_client".into()]),
        };
        assert_eq!(
            difference.said(Lang::Fr),
            "attendu : aucun RST ; dans ce test : ex1_tcp_client réinitialise la connexion (RST)."
        );
    }
}
