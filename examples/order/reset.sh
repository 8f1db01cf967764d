# Not a test (not executable): the --setup/--teardown command that gives
# every sequence a pristine state.  Run as `sh examples/order/reset.sh`.
rm -f order.state order.ready
