# `vmm scan` (label unit): the census of the first guest names its pushfd
# sites by symbol, its int 0x80 and its iretd; a non-ELF file is refused.
add_test(NAME unit.scan_lists_sensitive_instructions_of_the_first_guest
         COMMAND sh -c "out=$('${VMM_OUT}/vmm' scan '${VMM_GUEST_OUT}/first.elf') || exit 1; \
echo \"$out\" | grep -q 'kmain+0x[0-9a-f]* *pushfd' && \
echo \"$out\" | grep -q 'int *0x80 .*guest IDT' && \
echo \"$out\" | grep -q 'trapret+0x[0-9a-f]* *iretd' && \
echo \"$out\" | grep -q '^  pushfd  *3$' && echo 'scan: census as expected' || { echo \"$out\"; exit 1; }")
set_tests_properties(unit.scan_lists_sensitive_instructions_of_the_first_guest
                     PROPERTIES LABELS unit)
add_test(NAME unit.scan_refuses_a_file_that_is_not_elf
         COMMAND sh -c "'${VMM_OUT}/vmm' scan '${CMAKE_SOURCE_DIR}/README.md'; test $? = 65")
set_tests_properties(unit.scan_refuses_a_file_that_is_not_elf PROPERTIES LABELS unit)
