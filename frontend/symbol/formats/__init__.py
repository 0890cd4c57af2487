"""Symbol files both ways: MXNet symbol JSON export (`json_export` with its lowerings
`lower_batchnorm`, `lower_gather`; `dag_export` for untyped symbols) and import
(`json_import`)."""
