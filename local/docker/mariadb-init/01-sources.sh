#!/bin/bash
# Creates the ACODE and Radar source databases and the read users of the seeds,
# with passwords from the container's environment (never from this file).
set -euo pipefail
mariadb -uroot -p"$MARIADB_ROOT_PASSWORD" <<SQL
CREATE DATABASE IF NOT EXISTS acode_farmarcas CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE IF NOT EXISTS radar CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'userfarmarcasac02'@'%' IDENTIFIED BY '${ACODE_PASS}';
GRANT SELECT, SHOW VIEW ON acode_farmarcas.* TO 'userfarmarcasac02'@'%';
GRANT REPLICATION CLIENT ON *.* TO 'userfarmarcasac02'@'%';
CREATE USER IF NOT EXISTS 'bi-cognitivo-read'@'%' IDENTIFIED BY '${RADAR_PASS}';
GRANT SELECT, SHOW VIEW ON radar.* TO 'bi-cognitivo-read'@'%';
SQL
