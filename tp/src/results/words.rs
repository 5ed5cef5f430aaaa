//! The sentences the writers put around the tests' own words, in English and in French.
//!
//! The tests explain each failure in English (the harness's sentences); what frames them (the
//! titles, the totals, "does not compile") is said in the language the platform asks for.

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
    type Err = String;
    /// `en` or `fr`, or a locale such as `fr_FR.UTF-8` (what Moodle VPL gives): its language.
    fn from_str(text: &str) -> Result<Lang, String> {
        let language = text
            .split(['_', '-', '.'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match language.as_str() {
            "en" | "c" | "posix" => Ok(Lang::En),
            "fr" => Ok(Lang::Fr),
            _ => Err(format!(
                "`{text}`: the feedback is in en (English) or fr (French)"
            )),
        }
    }
}

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
}
