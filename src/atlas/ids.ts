// The identifiers of Atlas paths and documents, defined once: the fixture schema uses these
// schemas, the API checks path parameters with their patterns.

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
