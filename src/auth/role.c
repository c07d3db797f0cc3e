/* The roles of the server's users (include/dangol/auth.h): their codes, read back from a code or
 * an English or Korean name through the vocabulary's user_role domain, and libsodium's start. */
#include <string.h>

#include <sodium.h>

#include "dangol/auth.h"
#include "dangol/vocab.h"

static const char *const role_names[] = { "none", "agent", "analyst", "manager", "admin" };

const char *dg_role_name(dg_role role)
{
    return (unsigned)role < sizeof role_names / sizeof role_names[0] ? role_names[role] : "none";
}

/* The role whose code is code, DG_ROLE_NONE for none. */
static dg_role role_of_code(const char *code)
{
    for (size_t r = DG_ROLE_AGENT; code && r <= DG_ROLE_ADMIN; r++)
        if (strcmp(code, role_names[r]) == 0)
            return (dg_role)r;
    return DG_ROLE_NONE;
}

int dg_role_parse(const char *text, dg_role *out, dg_error *err)
{
    dg_role role = role_of_code(text);   /* the code itself, as the store keeps it */
    if (role == DG_ROLE_NONE && text)
        role = role_of_code(dg_vocab_code("user_role", text, strlen(text)));
    if (role != DG_ROLE_NONE) {
        *out = role;
        return 0;
    }
    return dg_error_set(err, DG_EINVAL, "unknown role \"%s\"; valid: admin (관리자), manager "
                        "(매니저), analyst (분석가), agent (상담 직원)", text ? text : "");
}

int dg_auth_init(dg_error *err)
{
    if (sodium_init() < 0)
        return dg_error_set(err, DG_EUNSUPPORTED, "libsodium cannot start (no source of random "
                            "numbers?)");
    return 0;
}
