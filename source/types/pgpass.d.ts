declare module 'pgpass' {
  interface ConnInfo {
    host: string;
    port: string;
    database: string;
    user: string;
  }
  function pgpass(connInfo: ConnInfo, callback: (password: string | undefined) => void): void;
  namespace pgpass {
    function warnTo(stream: NodeJS.WritableStream | null): NodeJS.WritableStream | null;
  }
  export default pgpass;
}
