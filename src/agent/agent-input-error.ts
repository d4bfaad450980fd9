// Thrown when a caller (stdin, a test, a driver) gives the agent an inbound message or a status that
// the protocol would refuse; the message says which field is wrong.
export class AgentInputError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AgentInputError';
  }
}
