/* status.c: status names and the first-error-wins message buffer. */
#include "tg_core.h"

#include <string.h>

const char *tg_status_name(tg_status s)
{
    switch (s) {
    case TG_OK: return "TG_OK";
    case TG_NOT_FOUND: return "TG_NOT_FOUND";
    case TG_ERR_ARG: return "TG_ERR_ARG";
    case TG_ERR_NOMEM: return "TG_ERR_NOMEM";
    case TG_ERR_IO: return "TG_ERR_IO";
    case TG_ERR_PARSE: return "TG_ERR_PARSE";
    case TG_ERR_ID: return "TG_ERR_ID";
    case TG_ERR_TYPE: return "TG_ERR_TYPE";
    case TG_ERR_NUMERIC: return "TG_ERR_NUMERIC";
    case TG_ERR_LIB: return "TG_ERR_LIB";
    case TG_ERR_LIMIT: return "TG_ERR_LIMIT";
    }
    return "TG_UNKNOWN_STATUS";
}

tg_status tg_msg(char *msg, tg_status s, const char *fmt, ...)
{
    if (msg && msg[0] == '\0') {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, TG_MSG_LEN, fmt, ap);
        va_end(ap);
    }
    return s;
}
