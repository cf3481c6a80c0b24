/* version.h - gcisim's version, reported by --version and gci.version. */
#ifndef GS_VERSION_H
#define GS_VERSION_H
#define GCISIM_VERSION "0.1.0"
#endif
