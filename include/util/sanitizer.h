/*
 * SANITIZE_ADDRESS: 1 in a build with AddressSanitizer (make SANITIZE=1),
 * whichever compiler made it, else 0.
 */
#ifndef SMTPSCOPE_SANITIZER_H
#define SMTPSCOPE_SANITIZER_H

#if defined(__SANITIZE_ADDRESS__)		/* gcc */
#define SANITIZE_ADDRESS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)		/* clang */
#define SANITIZE_ADDRESS 1
#endif
#endif
#ifndef SANITIZE_ADDRESS
#define SANITIZE_ADDRESS 0
#endif

#endif
