/**
 * An error that stops start-up (server or CLI) with one line for the operator: what was tried
 * and how to fix it. main.ts and cli.ts print `message` alone, never a stack trace.
 */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}
