# Installs the build into a scratch prefix, builds examples/find_package_consumer against it and runs it.
file(REMOVE_RECURSE ${WORK_DIR})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BINARY_DIR} --prefix ${WORK_DIR}/prefix RESULT_VARIABLE rc
                OUTPUT_QUIET)
if(rc)
  message(FATAL_ERROR "install failed: ${rc}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples/find_package_consumer -B ${WORK_DIR}/build
                        -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix -DCMAKE_BUILD_TYPE=Release RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "configure of the consumer failed: ${rc}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK_DIR}/build RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "build of the consumer failed: ${rc}")
endif()
execute_process(COMMAND ${WORK_DIR}/build/score_pose ${SOURCE_DIR}/tests/data/1iep_receptor.pdbqt
                        ${SOURCE_DIR}/tests/data/1iep_ligand.pdbqt OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(rc OR NOT out MATCHES "affinity -12\\.5")
  message(FATAL_ERROR "consumer run failed (${rc}): ${out}")
endif()
message(STATUS "consumer: ${out}")
if(EXISTS ${WORK_DIR}/build/ligand_energy)
  execute_process(COMMAND ${WORK_DIR}/build/ligand_energy ${SOURCE_DIR}/tests/data/1iep_ligand.sdf
                  OUTPUT_VARIABLE out RESULT_VARIABLE rc)
  if(rc OR NOT out MATCHES "E_ligand 42\\.768")
    message(FATAL_ERROR "refine consumer run failed (${rc}): ${out}")
  endif()
  message(STATUS "refine consumer: ${out}")
endif()
if(EXISTS ${WORK_DIR}/build/refine_poses AND REFINE_DIR)
  # The receptor and pose of the refine_reference fixture (1S3V, prepared and exported by the Python stage).
  execute_process(COMMAND ${WORK_DIR}/build/refine_poses ${REFINE_DIR}/1s3v_H.pdb ${REFINE_DIR}/1s3v_ff14sb.xml
                          ${REFINE_DIR}/ligand_H.sdf 1 150 Reference ${WORK_DIR}/refined.sdf OUTPUT_VARIABLE out
                  RESULT_VARIABLE rc)
  if(rc OR NOT out MATCHES "\tok\t-[1-9][0-9]\\.")
    message(FATAL_ERROR "refine_poses consumer run failed (${rc}): ${out}")
  endif()
  file(READ ${WORK_DIR}/refined.sdf sdf)
  if(NOT sdf MATCHES "<vscreen_refine_dg_mmgbsa>")
    message(FATAL_ERROR "refine_poses wrote no refined pose with its dG: ${sdf}")
  endif()
  message(STATUS "refine_poses consumer: ${out}")
endif()
