// Plain words for a failed file-system call: what Node reports as "ENOENT: no such file or
// directory, stat 'x'" becomes "no such file or folder" (the caller names the path once).

const REASONS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'is a folder, not a file',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'the name is too long',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EMFILE: 'too many open files',
  EBUSY: 'the file is busy',
  EEXIST: 'already exists',
  EIO: 'input/output error',
};

/** Why a file-system call failed, in words, without the errno code or the path. */
export function fsReason(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code in REASONS) return REASONS[code];
  const message = e instanceof Error ? e.message : String(e);
  // "ECODE: words, syscall 'path'" -> "words"
  return message.replace(/^E[A-Z]+: /, '').replace(/, \w+ '.*'( -> '.*')?$/, '');
}
