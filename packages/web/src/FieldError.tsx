/** The attributes that tie a field to its error: marked invalid, described by the message. */
export function invalidProps(id: string, error: string | undefined) {
  return error ? { "aria-invalid": true as const, "aria-describedby": id } : {};
}

/** What is wrong with a field, beside it, in words. */
export function FieldError({ id, error }: { id: string; error: string | undefined }) {
  return error ? (
    <span id={id} className="field-error">
      {error}
    </span>
  ) : null;
}
