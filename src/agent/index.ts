// The reference bridge agent: the device side of the protocol, with a simulate driver and a JSON-lines
// interface. The `switchboard agent` command, tests and benchmarks use it.
export { BridgeAgent } from './bridge-agent.js';
export { AgentRefusedError, type AgentEnd, type AgentLog, type AgentState, type BridgeAgentOptions } from './bridge-agent-options.js';
export type { AgentEvent, AgentEventSink } from './agent-events.js';
export { AgentInputError } from './agent-input-error.js';
export { bridgeUrl, BridgeUrlError } from './bridge-url.js';
export { DEFAULT_STATUS, type DeviceStatus } from './device-status.js';
export type { Driver, DriverFactory, DriverHost, OutgoingMessage } from './driver.js';
export type { InboundCallInput, InboundInput } from './inbound-outbox.js';
export { attachLineInput, eventLineWriter, handleInputLine, type LineEvent, type LineTarget } from './line-interface.js';
export { DEFAULT_BACKOFF, type BackoffSettings } from './reconnect-backoff.js';
export { modemDriver, type ModemDriverOptions } from './modem/index.js';
export { simulateDriver, type SimulatedCallOutcome, type SimulateDriverOptions } from './simulate-driver.js';
