/** A recording that cannot go on: the message is one line naming the problem (never a secret). */
export class RecordError extends Error {
  constructor(message: string) {
    // One line whatever the source put in its answer.
    super(message.replace(/\s+/g, ' ').trim());
  }
}
