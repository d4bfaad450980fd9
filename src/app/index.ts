// Wiring: builds a gateway from a configuration.
export { createGateway, createServices, type Gateway, type GatewayOptions, type GatewayServices } from './gateway.js';
export { ensureAccount, firstStartBlock, type FirstStartReport } from './first-start.js';
export { createLogger, type Logger } from './logger.js';
