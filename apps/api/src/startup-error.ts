/**
 * A start-up step failed for a reason the operator fixes outside the process (the port is taken,
 * the database cannot be opened): the CLI prints the message alone, on one line, and exits 1.
 */
export class StartupError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "StartupError";
  }
}
