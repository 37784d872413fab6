// Human approval of "ask" calls: tickets, the stores they live in, and the channels that reach a person.
export type {
  ApprovalEvent,
  ApprovalEventType,
  ApprovalEvents,
  ApprovalOutcome,
  ApprovalRequest,
  ApprovalRequestOptions,
  Approver,
  Clock,
  DecideResult,
  DecidedState,
  ElicitFunction,
  ElicitResult,
  Ticket,
  TicketAnswer,
  TicketState,
  TicketStore,
  TicketView,
} from './types.js';
export { createApprover, type CreateApproverOptions } from './approver.js';
export type { ApprovalChannel, ChannelAnswer, ChannelContext, ChannelHandle, ChannelRequest } from './channel.js';
export { builtInChannels } from './channels/built-in.js';
export { consoleChannel } from './channels/console.js';
export { elicitationChannel } from './channels/elicitation.js';
export { webhookChannel, type WebhookChannelOptions } from './channels/webhook.js';
export { MemoryChannel, type MemoryChannelOptions } from './channels/memory.js';
export { MemoryTicketStore } from './memory-store.js';
export { FileTicketStore, createFileTicketStore, openFileTicketStore, type FileTicketStoreOptions } from './file-store.js';
export { approvalsDir, resolveStateDir } from './state-dir.js';
export { loadConsoleToken, readConsoleAddress, writeConsoleAddress } from './console-state.js';
export { createConsoleHandler, type ConsoleHandler, type ConsoleHandlerOptions } from './console-handler.js';
export { startConsole, consoleUrl, type RunningConsole, type StartConsoleOptions } from './console-server.js';
export { startApprovalConsole, mountApprovalConsole, type ApprovalConsoleOptions, type MountedConsole } from './approval-console.js';
export { listApprovals, approveTicket, denyTicket, type ApprovalsCliOptions, type ApprovalsListing, type AnswerResult } from './cli-commands.js';
export { signWebhookBody, webhookPayload } from './channels/webhook.js';
export { canonicalJson, digestArguments } from './digest.js';
export { elicitationParams, answerFromElicitation } from './channels/elicitation.js';
