// What a node does when another node wakes it: which queues, sessions and projects it holds, and how it
// looks at each (the wiring of NodeWakeups to this node's dispatchers, WhatsApp Web sessions and devices).
import type { ProjectService } from '../core/index.js';
import type { DeviceDirectories } from '../bridge/index.js';
import type { CallDispatcher, PhoneDispatcher, WebDispatcher } from '../dispatch/index.js';
import type { SessionHub } from '../channels/whatsapp-web/index.js';
import type { WakeKind, WakeTarget } from './node-wakeups.js';

export interface NodeWakeupTargetsDeps {
  directory: DeviceDirectories;
  /** The dispatchers, made after the wake-ups are (a test gateway may have none for phones and calls). */
  phoneDispatcher(): PhoneDispatcher | undefined;
  callDispatcher(): CallDispatcher | undefined;
  webDispatcher: WebDispatcher;
  webHub: SessionHub;
  projects: ProjectService;
  logError(error: unknown, context: string): void;
}

export function nodeWakeupTargets(deps: NodeWakeupTargetsDeps): Record<WakeKind, WakeTarget> {
  const { directory, webHub, projects, logError } = deps;
  const holdsPhones = (projectId: number) => directory.connectedFor(projectId).length > 0;
  return {
    phone: { holds: holdsPhones, held: () => directory.connectedProjects(), wake: (id) => deps.phoneDispatcher()?.wake(id) },
    call: { holds: holdsPhones, held: () => directory.connectedProjects(), wake: (id) => deps.callDispatcher()?.wake(id) },
    web: { holds: (id) => webHub.runningChannels().includes(id), held: () => webHub.runningChannels(), wake: (id) => deps.webDispatcher.wake(id) },
    session: {
      holds: (id) => webHub.runningChannels().includes(id),
      held: () => webHub.runningChannels(),
      wake: (id) => void webHub.recheck(id),
    },
    // Its phones and sessions here stop as on the deleting node (which cancelled the queue and erased
    // the credentials); the cached "not deleted" answer is dropped first, or it would let them back.
    deleted: {
      holds: (id) => holdsPhones(id) || webHub.runsProject(id),
      held: () => [],
      wake: (id) => {
        projects.forgetDeletedAnswer(id);
        directory.disconnectProject(id);
        webHub.logOutProjectHere(id).catch((error: unknown) => logError(error, `stopping deleted project ${id}'s WhatsApp Web sessions`));
      },
    },
  };
}
