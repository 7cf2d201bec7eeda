# Stops the configure step with a message people can act on when a source is missing.
function(kiosk_require_file path what)
  if(NOT EXISTS "${path}")
    message(FATAL_ERROR "Missing ${what} (${path}): run ./kiosk setup")
  endif()
endfunction()
