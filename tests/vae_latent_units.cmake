# Trains a VAE example for one epoch and checks that every latent unit
# carries at least MIN_KL nats on the test set (latent_units.csv): a unit
# near 0 is posterior collapse, which later epochs rarely undo.
#   cmake -DPROGRAM=... -DARGS="--seed;1" -DDATA=... -DWORK_DIR=... -DMIN_KL=1.0 -P vae_latent_units.cmake
file(REMOVE_RECURSE ${WORK_DIR})
execute_process(COMMAND ${PROGRAM} --epochs 1 --samples 0 --manifold 2 --quiet --data ${DATA} --out ${WORK_DIR} ${ARGS}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} exited with ${rc}: ${err}")
endif()
file(STRINGS ${WORK_DIR}/latent_units.csv rows)
list(REMOVE_AT rows 0)  # the header
list(LENGTH rows units)
if(units EQUAL 0)
  message(FATAL_ERROR "${WORK_DIR}/latent_units.csv holds no unit")
endif()
foreach(row ${rows})
  string(REPLACE "," ";" cells "${row}")
  list(GET cells 0 unit)
  list(GET cells 1 kl)
  message(STATUS "latent unit ${unit}: KL ${kl} nats")
  if(kl LESS MIN_KL)
    message(FATAL_ERROR "latent unit ${unit} carries ${kl} nats after one epoch, under ${MIN_KL}: posterior collapse")
  endif()
endforeach()
