// Character classes by UTF-16 code, for detectors that walk text without a regex or a string per
// character.

export const isDigitCode = (c: number): boolean => c >= 48 && c <= 57;

export const isAsciiLetterCode = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
