// Plain words for the simple patterns profiles use most ("[^\s]{1,64}" → "1–64 characters, no
// whitespace"), so partners are not shown a regular expression. Anything else: null (the caller
// shows the pattern itself).

const CLASSES: Record<string, string> = {
  "[^\\s]": "characters, no whitespace",
  "\\S": "characters, no whitespace",
  ".": "characters",
  "[A-Z]": "upper-case letters (A–Z)",
  "[a-z]": "lower-case letters (a–z)",
  "[0-9]": "digits",
  "\\d": "digits",
  "[A-Za-z]": "letters (A–Z, a–z)",
  "[A-Za-z0-9]": "letters or digits",
  "[a-z0-9]": "lower-case letters or digits",
  "[A-Z0-9]": "upper-case letters or digits",
  "[a-z0-9-]": "lower-case letters, digits or hyphens",
  "[A-Za-z0-9-]": "letters, digits or hyphens",
  "[A-Za-z0-9._-]": "letters, digits, dots, underscores or hyphens",
};

const NUMBER_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];

export function describePattern(pattern: string): string | null {
  const m = /^\^?((?:\[[^\]]+\])|\\[Sd]|\.)(?:\{(\d+)(?:,(\d*))?\}|(\+)|(\*))?\$?$/.exec(pattern);
  if (!m) return null;
  const what = CLASSES[m[1]];
  if (!what) return null;
  const [, , min, max, plus, star] = m;
  if (plus) return `one or more ${what}`;
  if (star) return `any number of ${what}`;
  if (min === undefined) return `a single character: ${what}`;
  if (max === undefined) return `${Number(min) <= 10 ? NUMBER_WORDS[Number(min)] : min} ${what}`;
  if (max === "") return `at least ${min} ${what}`;
  return `${min}–${max} ${what}`;
}
