/** `note` findings inform (e.g. what was not checked) and never fail the lint. */
export type FindingLevel = 'error' | 'note';

export interface Finding {
  rule: string;
  /** The hadolint rule that reports the same problem, for people who know those ids; null where none does. */
  hadolint: string | null;
  name: string;
  level: FindingLevel;
  /** 1-based line of the offending instruction; 0 for findings about the file as a whole. */
  line: number;
  message: string;
  reason: string;
}

export const isError = (finding: Finding): boolean => finding.level === 'error';
