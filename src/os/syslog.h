/* The kernel log as user space reads it: syslog(2) (klogctl).  Each record
 * is "<level>[  sec.usec] text\n". */
#ifndef CHPSYNC_OS_SYSLOG_H
#define CHPSYNC_OS_SYSLOG_H

struct os;

/* The actions of syslog(2) this kernel implements (Linux's numbers). */
#define SYSLOG_ACTION_READ_ALL	  3
#define SYSLOG_ACTION_SIZE_BUFFER 10

/* READ_ALL: copy the newest records that fit into buf (len bytes, no NUL)
 * and return the bytes copied.  SIZE_BUFFER: the bytes READ_ALL needs for
 * the whole log now (Linux returns the ring's capacity; our ring is kept
 * in lines, so this is what it holds).  -EINVAL for another action or a
 * bad buffer. */
int os_syslog(struct os *os, int type, char *buf, int len);

#endif
