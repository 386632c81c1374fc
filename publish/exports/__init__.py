"""Public exports of a release, each from the public file into a folder passed in: Parquet
(with key-value metadata), the CSV data package, the accessible spreadsheet, the HTML report."""
