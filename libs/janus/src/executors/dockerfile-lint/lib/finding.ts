export interface Finding {
  rule: string;
  name: string;
  /** 1-based line of the offending instruction; 0 for findings about the file as a whole. */
  line: number;
  message: string;
  reason: string;
}
