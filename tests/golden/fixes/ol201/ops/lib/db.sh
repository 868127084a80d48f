# Helpers sourced by the migration scripts.
migrate_primary() {
    bin/rails db:migrate   ||   exit 1  # expect: OL201
}
