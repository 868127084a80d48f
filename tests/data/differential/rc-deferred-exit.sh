#!/bin/bash
# fail: db:migrate
# bash: continues
# The status is saved and only used at the end: the seed runs on a database whose migration
# failed, then the script exits with the saved status.
bin/rails db:migrate
rc=$?
bin/rails db:seed
exit $rc
