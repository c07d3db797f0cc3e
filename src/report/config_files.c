/* Config files of the reports (include/dangol/report.h): the RFM segment map, the stage rules,
 * the loyalty weights and the consultation-type rules are read whole here and handed as text to
 * the analytics' parsers, so the analytics never open a file. Errors name the file and, from
 * the parsers, line and column. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/cvalue_io.h"
#include "dangol/report.h"
#include "dangol/erasure.h"
#include "dangol/mot.h"
#include "dangol/report_voc.h"

/* Reads the file at path into a NUL-terminated buffer the caller frees with free(). */
static int read_text_file(const char *path, char **text, dg_error *err)
{
    *text = NULL;
    FILE *in = fopen(path, "rb");
    if (!in)
        return dg_error_set(err, errno == ENOENT ? DG_ENOTFOUND : DG_EIO, "%s: cannot open: %s",
                            path, strerror(errno));
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + len, 1, cap - len - 1, in);
        len += got;
        if (got == 0)
            break;
        if (cap - len - 1 == 0) {
            char *grown = cap > (1u << 24) ? NULL : realloc(buf, cap * 2);
            if (!grown) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = grown;
            cap *= 2;
        }
    }
    int failed = ferror(in);
    fclose(in);
    if (!buf)
        return dg_error_set(err, DG_ENOMEM, "%s: too large or out of memory", path);
    if (failed) {
        free(buf);
        return dg_error_set(err, DG_EIO, "%s: read error", path);
    }
    buf[len] = '\0';
    *text = buf;
    return 0;
}

int dg_text_file_read(char **text, const char *path, dg_error *err)
{
    return read_text_file(path, text, err);
}

int dg_consult_rules_load(dg_consult_rules **out, const char *path, dg_error *err)
{
    char *text = NULL;
    *out = NULL;
    int rc = read_text_file(path, &text, err);
    if (rc == 0)
        rc = dg_consult_rules_parse(out, text, path, err);
    free(text);
    return rc;
}

int dg_tier_rules_load(dg_tier_rules *rules, char **text, const char *path, dg_error *err)
{
    int rc = read_text_file(path, text, err);
    if (rc == 0 && (rc = dg_tier_rules_parse(rules, *text, path, err)) != 0) {
        free(*text);
        *text = NULL;
    }
    return rc;
}

/* A loader: reads the file at path whole and hands its text to parse, which names path in its
 * errors; out is what parse fills. */
#define TEXT_FILE_LOADER(name, type, parse)                                                  \
    int name(type *out, const char *path, dg_error *err)                                    \
    {                                                                                       \
        char *text = NULL;                                                                  \
        int rc = read_text_file(path, &text, err);                                          \
        if (rc == 0)                                                                        \
            rc = parse(out, text, path, err);                                               \
        free(text);                                                                         \
        return rc;                                                                          \
    }

TEXT_FILE_LOADER(dg_rfm_segment_map_load, dg_rfm_segment_map *, dg_rfm_segment_map_parse)
TEXT_FILE_LOADER(dg_stage_rules_load, dg_stage_rules, dg_stage_rules_parse)
TEXT_FILE_LOADER(dg_loyalty_config_load, dg_loyalty_config, dg_loyalty_config_parse)
TEXT_FILE_LOADER(dg_points_rules_load, dg_points_rules, dg_points_rules_parse)
TEXT_FILE_LOADER(dg_privacy_config_load, dg_privacy_config, dg_privacy_config_parse)
TEXT_FILE_LOADER(dg_calendar_load, dg_calendar, dg_calendar_parse)
TEXT_FILE_LOADER(dg_ticket_sla_load, dg_ticket_sla, dg_ticket_sla_parse)
TEXT_FILE_LOADER(dg_economics_config_load, dg_economics_config, dg_economics_config_parse)
TEXT_FILE_LOADER(dg_cvalue_survey_load, dg_cvalue_survey, dg_cvalue_survey_parse)
TEXT_FILE_LOADER(dg_cvalue_survey_save_file, dg_store, dg_cvalue_survey_save)
TEXT_FILE_LOADER(dg_mot_cycle_load, dg_mot_cycle, dg_mot_cycle_parse)
TEXT_FILE_LOADER(dg_followup_rules_load, dg_followup_rules, dg_followup_rules_parse)
TEXT_FILE_LOADER(dg_consult_types_load, dg_consult_types *, dg_consult_types_parse)
