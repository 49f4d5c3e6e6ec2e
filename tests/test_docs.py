from flows import dictionary


def test_column_dictionary_is_up_to_date():
    assert dictionary.PATH.read_text(encoding="utf-8") == dictionary.render(), (
        "docs/COLUMNS.md is stale: run `python -m flows.dictionary`")
