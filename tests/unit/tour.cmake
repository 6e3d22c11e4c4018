# The tour (docs/tour.md) is extracted from /*T:NNN comments; STYLE.md rule 3:
# no two share a number, and the committed docs/tour.md is the extraction.
add_test(NAME unit.tour_is_extracted_and_unique
         COMMAND sh -c "sh '${CMAKE_SOURCE_DIR}/docs/tour.sh' '${CMAKE_SOURCE_DIR}' | diff -u '${CMAKE_SOURCE_DIR}/docs/tour.md' - && echo 'tour: numbers unique, docs/tour.md up to date' || { echo 'docs/tour.md is stale: run docs/tour.sh > docs/tour.md'; exit 1; }")
set_tests_properties(unit.tour_is_extracted_and_unique PROPERTIES LABELS unit)
