/** One named input problem: which field, and what is wrong with it (never the value itself). */
export interface FieldError {
  field: string;
  message: string;
}
