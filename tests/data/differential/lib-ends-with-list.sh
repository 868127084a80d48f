# Helper for source-and-list-set-e.sh: a sourced file that ends with an `&&` list.
bin/rails db:migrate && echo MARK-migrated >> "$HOME/trace"
