/* Stands in for the Avahi client library under ippeveprinter in the tests: the test machine
 * runs no Avahi daemon (nor needs printers announced on the network), and ippeveprinter
 * stops when it cannot announce itself. Loaded with LD_PRELOAD; every call succeeds and
 * does nothing. */
#include <stddef.h>

static int client_token, group_token;

void *avahi_client_new(void *poll, int flags, void *callback, void *userdata, int *error) {
    (void)poll; (void)flags; (void)callback; (void)userdata;
    if (error) *error = 0;
    return &client_token;
}
int avahi_client_errno(void *client) { (void)client; return 0; }
const char *avahi_client_get_host_name_fqdn(void *client) { (void)client; return "localhost"; }
void *avahi_entry_group_new(void *client, void *callback, void *userdata) {
    (void)client; (void)callback; (void)userdata;
    return &group_token;
}
int avahi_entry_group_add_service_strlst() { return 0; }
int avahi_entry_group_add_service_subtype() { return 0; }
int avahi_entry_group_commit(void *group) { (void)group; return 0; }
int avahi_entry_group_free(void *group) { (void)group; return 0; }
