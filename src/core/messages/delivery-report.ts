// The `delivery-report` answer: a push and the state of each of its messages, in the project's time zone.
import { formatProjectTime } from '../project-time.js';
import type { Project } from '../project.js';
import type { PushRecord } from '../push/push-draft.js';
import type { OutboundMessage } from './message.js';
import { reportStatus } from './message-state.js';

export function deliveryReport(project: Project, push: PushRecord, messages: OutboundMessage[]): Record<string, unknown> {
  const recipientKey = push.application === 5 ? 'messenger_id' : 'number';
  return {
    status: 100,
    message: 'Success',
    project_id: String(project.id),
    push_id: push.id,
    application: String(push.application),
    message_type: String(push.messageType),
    time: formatProjectTime(push.createdAt, project.timeZone, project.dateFormat),
    data: messages.map((message) => ({
      [recipientKey]: message.recipient,
      msg_id: String(message.id),
      status: String(reportStatus(message.state)),
      error_code: message.lastError,
      state: message.state,
      reference_number: message.referenceNumber,
    })),
  };
}
