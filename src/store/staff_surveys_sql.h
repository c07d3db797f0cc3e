/* Private to the store: the staff surveys' per-site summary, the SQL both backends run as it is
 * (staff_surveys_sqlite.c, staff_surveys_postgres.c): per site, the responses answered on or
 * before $1 and their mean satisfaction (store/staff_surveys.h). The arithmetic is in double
 * precision on both (PostgreSQL would otherwise work in exact decimals); the order is finished
 * by each backend with its byte order of text, C (nothing on SQLite, COLLATE "C" on
 * PostgreSQL). */
#ifndef DANGOL_STORE_STAFF_SURVEYS_SQL_H
#define DANGOL_STORE_STAFF_SURVEYS_SQL_H

#define DG__STAFF_SURVEY_SITES_SQL(C) "SELECT site, count(*), avg(satisfaction) FROM (" \
    "SELECT site, response_id, avg(CAST(score - scale_min AS DOUBLE PRECISION) * 100 / " \
    "(scale_max - scale_min)) AS satisfaction FROM staff_surveys WHERE answered_on <= $1 " \
    "GROUP BY site, response_id) AS r GROUP BY site ORDER BY site" C

#define DG__STAFF_SURVEY_EXISTS_SQL "SELECT 1 FROM staff_surveys WHERE response_id = $1 LIMIT 1"

#endif
