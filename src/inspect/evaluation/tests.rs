//! The borrowed inspection serialises as the owned one: `inspect --json` writes either.

use super::*;
use crate::inspect::record::tests::{ring, samples};
use crate::inspect::{InspectError, Options, inspect_text_nth, inspect_text_nth_with};

fn pretty<T: Serialize>(value: &T) -> String {
    crate::escape::json_pretty(value).unwrap()
}

#[test]
fn the_borrowed_inspection_serialises_as_the_owned_one() {
    let ring = ring();
    let mut texts = samples();
    // Intake's part: what it removed around the token, and the second of two tokens.
    texts.push(format!("Bearer {}", samples()[0]));
    texts.push(format!("{} {}", samples()[0], samples()[1]));
    for summary_only in [false, true] {
        for at in [0, 1_767_225_600] {
            let opts = Options {
                at,
                skew: 60,
                summary_only,
                ..Options::default()
            };
            for text in &texts {
                for n in [0, 1] {
                    let owned = inspect_text_nth(text, n, &ring, &opts);
                    let borrowed = inspect_text_nth_with(text, n, &ring, &opts, |r| match r {
                        Ok(insp) => Ok(pretty(insp)),
                        Err(InspectError::Malformed { error, partial }) => {
                            Err(format!("{error}: {}", pretty(&partial)))
                        }
                        Err(e) => Err(e.to_string()),
                    });
                    let expected = match owned {
                        Ok(insp) => {
                            assert_eq!(pretty(&InspectionRef::from(&insp)), pretty(&insp));
                            Ok(pretty(&insp))
                        }
                        Err(InspectError::Malformed { error, partial }) => {
                            Err(format!("{error}: {}", pretty(&partial)))
                        }
                        Err(e) => Err(e.to_string()),
                    };
                    assert_eq!(borrowed, expected, "{text} #{n} summary {summary_only}");
                }
            }
        }
    }
}
