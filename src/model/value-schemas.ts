// The value shapes Atlas uses everywhere (ids, cluster names, date-times, BSON timestamps),
// defined once: the fixture and request schemas use them, the API checks path parameters
// with their patterns.

const OBJECT_ID = '^[a-f0-9]{24}$';
const CLUSTER_NAME_PATTERN = '^[a-zA-Z0-9][a-zA-Z0-9-]*$';

/** 24 lowercase hexadecimal digits, as Atlas's ids (and MongoDB ObjectIds) are written. */
export const ObjectIdSchema = { type: 'string', pattern: OBJECT_ID, description: 'a 24-hexadecimal-digit id' } as const;
export const ClusterNameSchema = {
  type: 'string',
  pattern: CLUSTER_NAME_PATTERN,
  maxLength: 64,
  description: `a cluster name matching ${CLUSTER_NAME_PATTERN} (at most 64 characters)`,
} as const;

export const HEX24 = new RegExp(OBJECT_ID);
export const CLUSTER_NAME = new RegExp(CLUSTER_NAME_PATTERN);

/** Atlas writes instants in UTC to the second; milliseconds are accepted. The format refuses 30 February. */
export const DateTimeSchema = {
  type: 'string',
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,3})?Z$',
  format: 'date-time',
  description: 'a real UTC date-time like 2018-02-08T23:19:37Z',
} as const;

/** An oplog entry's time: its second (as a date-time) and its ordinal within that second. */
export const BsonTimestampSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['date', 'increment'],
  properties: { date: DateTimeSchema, increment: { type: 'integer', minimum: 0, maximum: 2 ** 31 - 1 } },
} as const;
