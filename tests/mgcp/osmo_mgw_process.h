// Starts and stops a real osmo-mgw (Debian osmo-mgw) on 127.0.0.1 for integration tests and
// benchmarks: MGCP on the given port, RTP ports just above it, `rtpbridge/N@mgw` endpoints.
#pragma once

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <csignal>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <fstream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace mgc::mgcp::test {

class OsmoMgw {
public:
  explicit OsmoMgw(uint16_t port, unsigned endpoints = 31) : port_(port) {
    char tmpl[] = "/tmp/mgc-mgcp-osmo-mgw-XXXXXX";
    dir_ = mkdtemp(tmpl);
    std::ofstream cfg(dir_ + "/osmo-mgw.cfg");
    cfg << "log stderr\n logging filter all 1\n logging color 0\n logging print category 1\n"
           " logging level set-all "
        << (endpoints > 31 ? "error" : "info")
        << "\n"
           "line vty\n bind 127.0.0.1\n"
           "mgcp\n domain mgw\n bind ip 127.0.0.1\n bind port "
        << port_
        << "\n"
           " rtp port-range "
        << (port_ + 2) << " " << (port_ + 2 + 4 * endpoints + 99)
        << "\n"
           " rtp bind-ip 127.0.0.1\n number endpoints "
        << endpoints << "\n";
  }
  ~OsmoMgw() {
    stop();
    if (!std::getenv("MGC_KEEP_LOGS")) // keep config and log for a post-mortem on request
      std::filesystem::remove_all(dir_);
  }
  // osmo-mgw's VTY (127.0.0.1:4243) and CTRL ports are fixed: if another instance holds them
  // it exits at once, so retry for a while.
  bool start(std::chrono::seconds patience = std::chrono::seconds(30)) {
    auto until = std::chrono::steady_clock::now() + patience;
    while (std::chrono::steady_clock::now() < until) {
      pid_ = fork();
      if (pid_ == 0) {
        setpgid(0, 0);
        int log = open((dir_ + "/osmo-mgw.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        dup2(log, 1);
        dup2(log, 2);
        execlp("osmo-mgw", "osmo-mgw", "-c", (dir_ + "/osmo-mgw.cfg").c_str(), nullptr);
        _exit(127);
      }
      // Ready when it answers an AUEP on its MGCP port; gone when it exited (ports taken).
      for (int i = 0; i < 40; ++i) {
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
          pid_ = -1;
          break;
        }
        if (answers_audit())
          return true;
      }
      if (pid_ > 0)
        stop(); // running but mute for 4 s: give up on this one
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    return false;
  }
  // One AUEP from a throw-away socket, waiting 100 ms for any answer.
  bool answers_audit() const {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    timeval tv{0, 100'000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons(port_);
    const char auep[] = "AUEP 999999999 rtpbridge/1@mgw MGCP 1.0\r\n";
    sendto(fd, auep, sizeof auep - 1, 0, reinterpret_cast<sockaddr *>(&sa), sizeof sa);
    char buf[512];
    bool ok = recv(fd, buf, sizeof buf, 0) > 0;
    close(fd);
    return ok;
  }
  void stop() {
    if (pid_ <= 0)
      return;
    kill(pid_, SIGTERM);
    for (int i = 0; i < 50; ++i) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  uint16_t port() const { return port_; }
  std::string log_path() const { return dir_ + "/osmo-mgw.log"; }

private:
  uint16_t port_;
  std::string dir_;
  pid_t pid_ = -1;
};

} // namespace mgc::mgcp::test
