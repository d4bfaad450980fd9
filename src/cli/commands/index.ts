// Every CLI command, in the order `--help` lists them.
import type { Command } from '../command.js';
import { agentCommand } from './agent.js';
import { channelCreateCommand, channelDeleteCommand, channelListCommand, channelQrCommand } from './channel.js';
import { creditAddCommand, creditBalanceCommand, creditHistoryCommand } from './credit.js';
import { migrateCommand } from './migrate.js';
import { projectCreateCommand, projectDeleteCommand, projectListCommand } from './project.js';
import { serveCommand } from './serve.js';
import { webhookLogCommand, webhookReplayCommand, webhookSecretCommand, webhookTestCommand } from './webhook.js';
import { tokenCreateCommand, tokenDeleteCommand, tokenDisableCommand, tokenEnableCommand, tokenListCommand } from './token.js';

export const COMMANDS: readonly Command[] = [
  serveCommand,
  migrateCommand,
  projectCreateCommand,
  projectListCommand,
  projectDeleteCommand,
  tokenCreateCommand,
  tokenListCommand,
  tokenDisableCommand,
  tokenEnableCommand,
  tokenDeleteCommand,
  creditAddCommand,
  creditBalanceCommand,
  creditHistoryCommand,
  webhookLogCommand,
  webhookReplayCommand,
  webhookTestCommand,
  webhookSecretCommand,
  agentCommand,
  channelCreateCommand,
  channelListCommand,
  channelDeleteCommand,
  channelQrCommand,
];
