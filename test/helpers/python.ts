import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The first Python that can import requests: the one on PATH, else Debian's (python3-requests, installed by .ci/run). */
export async function pythonWithRequests(): Promise<string> {
  for (const python of ['python3', '/usr/bin/python3']) {
    if (
      await run(python, ['-c', 'import requests']).then(
        () => true,
        () => false,
      )
    )
      return python;
  }
  throw new Error('no python3 with the requests package: apt-get install python3-requests');
}
