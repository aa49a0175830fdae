#!/bin/sh
# Runs once, when the PostgreSQL volume is created: one role and database per service.
set -eu
for name in pulso airflow mlflow; do
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<SQL
CREATE ROLE $name LOGIN PASSWORD '$POSTGRES_PASSWORD';
CREATE DATABASE $name OWNER $name;
SQL
done
