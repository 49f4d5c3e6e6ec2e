from flows import dictionary


def test_column_dictionary_is_up_to_date():
    assert dictionary.PATH.read_text(encoding="utf-8") == dictionary.render(), (
        "docs/COLUMNS.md is stale: run `python -m flows.dictionary`")


def test_soft_rules_flag_rows_with_flags_of_the_vocabulary():
    from flows import schema
    from flows.validate.suites import flag_rules_are_in_vocabulary

    for table in schema.tables():
        assert flag_rules_are_in_vocabulary(table) == [], table
