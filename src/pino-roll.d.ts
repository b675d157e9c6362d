// Types for pino-roll (it ships none): the subset swml-guard uses.
declare module 'pino-roll' {
  import type { SonicBoom, SonicBoomOpts } from 'sonic-boom';

  export interface PinoRollOptions extends Omit<SonicBoomOpts, 'dest' | 'fd'> {
    /** Base path; the number and extension are inserted: `audit.log` -> `audit.1.log`. */
    file: string;
    /** Rotate when the file reaches this size: a number of MB, or `<n>b|k|m|g`. */
    size?: string | number;
    frequency?: 'daily' | 'hourly' | number;
    extension?: string;
    symlink?: boolean;
    /** `count` files kept; with `removeOtherLogFiles`, files of earlier runs count too. */
    limit?: { count: number; removeOtherLogFiles?: boolean };
    dateFormat?: string;
  }

  export default function build(options: PinoRollOptions): Promise<SonicBoom>;
}
