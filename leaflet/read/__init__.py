"""Reading: layout and campaign YAML, Markdown words and the wards spreadsheet -> validated specs."""
