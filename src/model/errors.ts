import { STATUS_CODES } from 'node:http';
import { prettyJson } from './json.js';

// Atlas's error catalogue. Every failure the emulator answers is an AtlasError built by one of
// the named constructors below, so status, errorCode and detail wording live in one place, with
// the explanation the journal gives for it. Wording: Atlas API error reference (see README
// fidelity table).

export function reasonPhrase(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

/** Which fields of a request body are wrong, and how (Atlas's badRequestDetail). */
export interface BadRequestDetail {
  fields: { field: string; description: string }[];
}

/** Error's prototype without Error's constructor: an instance is an Error that never captured a stack trace. */
function Stackless(): void {}
Stackless.prototype = Object.create(Error.prototype) as object;

/**
 * An Atlas error answer: an Error (instanceof Error, with a name, a message and a one-line
 * stack) that captures no stack trace, being an answer rather than a fault. Capturing one
 * would cost more than the rest of answering it.
 */
export class AtlasError extends (Stackless as unknown as ErrorConstructor) {
  readonly reason: string;
  /** Why the request was refused, in the emulator's words for the journal; never sent (the body stays Atlas's). */
  explanation: string | undefined = undefined;
  constructor(
    readonly status: number,
    readonly errorCode: string,
    readonly detail: string,
    readonly parameters: string[] = [],
    readonly headers: Record<string, string> = {},
    readonly badRequestDetail?: BadRequestDetail,
  ) {
    super();
    this.reason = reasonPhrase(status);
  }

  /** Sets the explanation. Only public values may go in it (ids, names, media types): never a secret. */
  because(explanation: string): this {
    this.explanation = explanation;
    return this;
  }

  /** The response body: Atlas's compact form with alphabetical keys. */
  body(): string {
    return JSON.stringify(this);
  }

  /** The response body's bytes. */
  bytes(): Buffer {
    return Buffer.from(this.body());
  }

  /** Atlas's compact wire body: alphabetical keys, no whitespace. */
  toJSON(): {
    badRequestDetail?: BadRequestDetail;
    detail: string;
    error: number;
    errorCode: string;
    parameters: string[];
    reason: string;
  } {
    return {
      ...(this.badRequestDetail ? { badRequestDetail: this.badRequestDetail } : {}),
      detail: this.detail,
      error: this.status,
      errorCode: this.errorCode,
      parameters: this.parameters,
      reason: this.reason,
    };
  }
}
// What Error's constructor would have set, derived from the detail instead of stored.
Object.defineProperties(AtlasError.prototype, {
  name: { value: 'AtlasError' },
  message: {
    get(this: AtlasError) {
      return this.detail;
    },
  },
  stack: {
    get(this: AtlasError) {
      return `AtlasError: ${this.detail}`;
    },
  },
});

/**
 * The Digest challenge's 401. Atlas sends this one body pretty-printed, in its own key
 * order and without parameters, and no X-Error-Code (observed 2026, docs/fidelity.md).
 */
export class UnauthorizedError extends AtlasError {
  static readonly BODY = prettyJson({
    error: 401,
    reason: 'Unauthorized',
    detail: 'You are not authorized for this resource.',
    errorCode: 'UNEXPECTED_ERROR',
  });

  private static readonly BYTES = Buffer.from(UnauthorizedError.BODY);

  constructor() {
    super(401, 'UNEXPECTED_ERROR', 'You are not authorized for this resource.');
  }

  override body(): string {
    return UnauthorizedError.BODY;
  }

  override bytes(): Buffer {
    return UnauthorizedError.BYTES;
  }
}

// The explanations, in the emulator's words: what was wrong and, where it helps, what to send instead.
const hex24 = (what: string, id: string) => `The ${what} ID ${id} is not 24 hexadecimal digits.`;
const onCloudBackup = (clusterName: string, what: string) =>
  `Cluster ${clusterName} is on Cloud Backup; ${what} only for clusters on Legacy Backup.`;
const SEND_JSON = 'send it as JSON with Content-Type: application/json';
/**
 * A control request with fields that are wrong (a fixture document may have many mistakes):
 * each named with its problem in the detail and in the parameters; `more`: how many were left out.
 */
function invalidControlFields(fields: { field: string; problem: string }[], more = 0): AtlasError {
  const named = fields.map(({ field, problem }) => `${field}: ${problem}`).join('; ');
  return new AtlasError(
    400,
    'INVALID_CONTROL_REQUEST',
    `Invalid ${named}${more > 0 ? `; and ${more} more` : ''}.`,
    fields.map(({ field }) => field),
  );
}

export const errors = {
  invalidGroupId: (groupId: string) =>
    new AtlasError(404, 'INVALID_GROUP_ID', `An invalid group ID ${groupId} was specified.`, [groupId]).because(hex24('project', groupId)),
  groupNotFound: (groupId: string) =>
    new AtlasError(404, 'GROUP_NOT_FOUND', `No group with ID ${groupId} exists.`, [groupId]).because(
      `No project with ID ${groupId} is loaded (GET /_emulator/overview lists the projects).`,
    ),
  clusterNotFound: (clusterName: string, groupId: string) =>
    new AtlasError(404, 'CLUSTER_NOT_FOUND', `No cluster named ${clusterName} exists in group ${groupId}.`, [clusterName, groupId]).because(
      `Project ${groupId} exists but has no cluster named ${clusterName}.`,
    ),
  invalidCheckpointId: (checkpointId: string) =>
    new AtlasError(404, 'INVALID_CHECKPOINT_ID', `An invalid checkpoint ID ${checkpointId} was specified.`, [checkpointId]).because(
      hex24('checkpoint', checkpointId),
    ),
  checkpointNotFound: (checkpointId: string, clusterName: string) =>
    new AtlasError(404, 'CHECKPOINT_NOT_FOUND', `No checkpoint with ID ${checkpointId} exists for cluster ${clusterName}.`, [
      checkpointId,
      clusterName,
    ]).because(`Cluster ${clusterName} has no checkpoint with ID ${checkpointId}.`),
  // The misspelling is Atlas's own error code.
  checkpointsOnlyOnContinuousBackup: (clusterName: string) =>
    new AtlasError(400, 'CHECKPOINTS_ONLY_ON_CONTINOUS_BACKUP', 'Checkpoints do not exist for Cloud Backups.').because(
      onCloudBackup(clusterName, 'checkpoints exist'),
    ),
  resourceNotFound: (path: string) =>
    new AtlasError(404, 'RESOURCE_NOT_FOUND', `Cannot find resource ${path}.`, [path]).because(
      'No route of the emulator serves this path: the Atlas API it emulates is the Legacy Backup resources under ' +
        '/api/atlas/v1.0/groups/{groupId}/clusters/{clusterName}/ and /api/atlas/v2/... (GET /_emulator/info lists them).',
    ),
  methodNotAllowed: (method: string, path: string, allowed: string[]) =>
    new AtlasError(405, 'METHOD_NOT_ALLOWED', `Method ${method} is not allowed on resource ${path}.`, [method, path], {
      allow: allowed.join(', '),
    }).because(`This path allows ${allowed.join(', ')}, not ${method}.`),
  invalidQueryParameter: (name: string, problem: string) =>
    new AtlasError(400, 'INVALID_QUERY_PARAMETER', `Invalid query parameter ${name} specified.`, [name]).because(
      `The query parameter ${name} ${problem}.`,
    ),
  /** A request body that is not JSON (or none where Content-Type announces one). */
  invalidJson: (problem: 'empty' | 'malformed') =>
    new AtlasError(400, 'INVALID_JSON', 'Received JSON is malformed.').because(
      problem === 'empty' ? 'The body is empty, although its Content-Type says JSON.' : 'The body is not valid JSON.',
    ),
  /** A body field that is wrong (type, value, or unknown), with how in badRequestDetail. */
  invalidAttribute: (field: string, description: string) =>
    new AtlasError(
      400,
      'INVALID_ATTRIBUTE',
      `Invalid attribute ${field} specified.`,
      [field],
      {},
      { fields: [{ field, description }] },
    ).because(field === '(body)' ? `The body ${description}.` : `The body's field ${field}: ${description}.`),
  missingAttribute: (field: string) =>
    new AtlasError(
      400,
      'MISSING_ATTRIBUTE',
      `The required attribute ${field} was not specified.`,
      [field],
      {},
      { fields: [{ field, description: 'is required' }] },
    ).because(`The body lacks ${field}, which this request requires.`),
  /** A rule between body fields (the spec's generic VALIDATION_ERROR): the detail is the rule itself. */
  validationError: (detail: string) => new AtlasError(400, 'VALIDATION_ERROR', detail).because(detail),
  restoreSourceRequired: () =>
    new AtlasError(
      400,
      'VALIDATION_ERROR',
      'Exactly one of snapshotId, checkpointId, pointInTimeUTCMillis, or oplogTs with oplogInc must be set.',
    ).because(
      'The body names no restore source or more than one: give exactly one of snapshotId, checkpointId, pointInTimeUTCMillis, or oplogTs with oplogInc.',
    ),
  pointInTimeOutsideWindow: (point: string, hours: number) =>
    new AtlasError(400, 'INVALID_RESTORE_POINT', `The point in time ${point} is not within the last ${hours} hours.`, [
      point,
      String(hours),
    ]).because(`The point in time ${point} is outside the cluster's point-in-time window: the last ${hours} hours on the emulator clock.`),
  /** A Legacy Backup resource of a cluster on Cloud Backup. */
  legacyBackupNotEnabled: (clusterName: string) =>
    new AtlasError(400, 'BACKUP_JOB_NOT_FOUND', 'Backups are not enabled for this cluster.').because(
      onCloudBackup(clusterName, 'the Legacy Backup API answers'),
    ),
  invalidSnapshotId: (snapshotId: string) =>
    new AtlasError(404, 'INVALID_SNAPSHOT_ID', `An invalid snapshot ID ${snapshotId} was specified.`, [snapshotId]).because(
      hex24('snapshot', snapshotId),
    ),
  snapshotNotFound: (snapshotId: string, clusterName: string) =>
    new AtlasError(404, 'SNAPSHOT_NOT_FOUND', `No snapshot with ID ${snapshotId} exists for cluster ${clusterName}.`, [
      snapshotId,
      clusterName,
    ]).because(`Cluster ${clusterName} has no snapshot with ID ${snapshotId}.`),
  /** A restore from a snapshot still being taken: Atlas's answer for an unknown one. */
  snapshotIncomplete: (snapshotId: string, clusterName: string) =>
    errors
      .snapshotNotFound(snapshotId, clusterName)
      .because(`Snapshot ${snapshotId} of cluster ${clusterName} is not complete yet; a restore needs a complete snapshot.`),
  invalidRestoreJobId: (jobId: string) =>
    new AtlasError(404, 'INVALID_RESTORE_JOB_ID', `An invalid restore job ID ${jobId} was specified.`, [jobId]).because(
      hex24('restore job', jobId),
    ),
  restoreJobNotFound: (jobId: string, clusterName: string) =>
    new AtlasError(404, 'RESTORE_JOB_NOT_FOUND', `No restore job with ID ${jobId} exists for cluster ${clusterName}.`, [
      jobId,
      clusterName,
    ]).because(`Cluster ${clusterName} has no restore job with ID ${jobId}.`),
  // Authentication's refusals: the journal's auth.reason says why.
  cannotAccessGroup: () => new AtlasError(401, 'USER_CANNOT_ACCESS_GROUP', 'User cannot access this group.'),
  ipNotOnAccessList: (ip: string) =>
    new AtlasError(403, 'IP_ADDRESS_NOT_ON_ACCESS_LIST', `IP address ${ip} is not allowed to access this resource.`, [ip]),
  /** v2 without an Accept header that selects a version of the resource; `served` is the media type it has. */
  invalidVersionDate: (accept: string | undefined, served: string) =>
    new AtlasError(406, 'INVALID_VERSION_DATE', 'Invalid accept header or version date.').because(
      `${accept === undefined ? 'No Accept header was sent' : `Accept: ${accept} selects no version of this resource`}; ` +
        `v2 serves it as ${served}: send Accept: ${served}.`,
    ),
  /** Malformed HTTP or a limit exceeded (bad URL encoding, oversized headers, slow client, ...). */
  invalidRequest: (status: number, explanation: string) =>
    new AtlasError(status, 'INVALID_REQUEST', 'The request is not valid.').because(explanation),
  /** A body in a media type the operations do not read: the same answer, and the media type named in the explanation. */
  unsupportedMediaType: (contentType: string | undefined) =>
    errors.invalidRequest(
      415,
      contentType === undefined
        ? `The body was sent without a Content-Type; ${SEND_JSON}.`
        : `The body was sent as ${contentType}; ${SEND_JSON}.`,
    ),
  unexpected: () =>
    new AtlasError(500, 'UNEXPECTED_ERROR', 'Unexpected error.').because(
      'The emulator failed unexpectedly: its log has the error. This is a bug of the emulator.',
    ),
  serviceUnavailable: () => new AtlasError(503, 'SERVICE_UNAVAILABLE', 'Service unavailable.'),
  rateLimited: (resource: string, limit: number, minutes: number, retryAfterSeconds: number) =>
    new AtlasError(
      429,
      'RATE_LIMITED',
      `Resource ${resource} is limited to ${limit} requests every ${minutes} minutes.`,
      [resource, String(limit), String(minutes)],
      { 'retry-after': String(retryAfterSeconds) },
    ).because(
      `The project used up its rate limit (ATLAS_EMU_RATE_LIMIT: ${limit} requests every ${minutes} minutes); ` +
        `retry after ${retryAfterSeconds} s.`,
    ),

  // The emulator's own control plane (/_emulator/*): not Atlas routes, but the same body shape.
  invalidControlRequest: (field: string, problem: string) => invalidControlFields([{ field, problem }]),
  invalidControlFields,
  adminTokenRequired: () =>
    new AtlasError(401, 'ADMIN_TOKEN_REQUIRED', 'This control route requires the emulator admin token (Authorization: Bearer).', [], {
      'www-authenticate': 'Bearer realm="atlas-backup-emulator"',
    }),
  faultNotFound: (id: string) => new AtlasError(404, 'FAULT_NOT_FOUND', `No fault rule with ID ${id} exists.`, [id]),
};
