// Configuration: one schema, loaded once, frozen.
export { CONFIG_KEYS, flagName, type Config, type ConfigKey, type ConfigKeyName } from './config-schema.js';
export { ConfigError, DEFAULT_CONFIG_FILE, findConfigFile, loadConfig, publicUrl, type ConfigSources } from './load-config.js';
